import { createApp } from 'vue'
import App from './App.vue'
import { makeRouter } from './router'
import './styles/base.css'

createApp(App).use(makeRouter()).mount('#app')
